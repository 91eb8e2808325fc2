"""What the rules know about each AWS area, shipped in the Lambda layer with the rule runtime.

Imports only the runtime and other domain packages; never the scanner, catalog, reports or CLI."""
