"""Organization setup: the party organization tree and, later, communities, terms and teams."""
