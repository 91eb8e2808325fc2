import sys

from lambda_compliance.cli import main

sys.exit(main())
