"""Account bootstrap as a CDK Terrain (cdktn) app: one stack per registry account."""
