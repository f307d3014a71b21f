"""Template tags of the portal's own pages."""
