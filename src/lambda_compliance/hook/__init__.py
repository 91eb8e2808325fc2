"""The CloudFormation Lambda hook: the deployed rules judge a resource before CloudFormation creates it.

This package ships only in the hook function's zip (``packaging/hook.py`` builds it): the zip holds
this package, the scanner's template machinery it drives and the rule folders, and the function
uses the rule functions' layer for ``runtime`` and ``domain``. Nothing else in the project imports it.
"""
