"""The demo district: a deterministic district shaped like the seed report (`generate`), loaded
through the public API of a running gateway (`load`), and the survey figures computed
independently from the generated data (`expected`)."""
