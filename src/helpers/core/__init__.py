"""Core: paths, notebook parameters, table I/O and the data-findings table.

Imports no other layer of the package.
"""
