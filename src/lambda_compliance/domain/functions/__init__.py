"""Lambda functions: function CIs and settings, runtimes, environment secrets, log groups,
networking."""
