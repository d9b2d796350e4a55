"""Catalog: the entity, metric and label catalogues (``*.yaml``) and their loaders."""
