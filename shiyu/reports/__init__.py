"""Weekly and monthly operational analysis reports."""
