"""Development tooling: the embedded broker and its kcat proxy, the launcher behind
`govshare up`, sample certificates and forms, and the bench (`govshare bench`).

Used by `make up`, `make bench` and the tests; never by a service. It is not packaged
(pyproject.toml packages `services` and the generated contracts only) and the production
image's build context leaves it out (deploy/Dockerfile.dockerignore), so it runs from a
checkout, where the Makefile puts the repository root on the virtualenv's path.
"""
