"""Reports composed in the gateway from the services' aggregate endpoints, and their renderings."""
