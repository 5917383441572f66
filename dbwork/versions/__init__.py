"""Version control for schemas: migration graph, drift, environments."""
