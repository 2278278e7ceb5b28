"""The activities service's public shapes, one module per area (`XCreate`, `XUpdate`, `X`)."""
