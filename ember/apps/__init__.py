"""End-user workflows with a command line, built on ember's arrays and estimators."""
