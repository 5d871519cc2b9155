#!/bin/sh
# Run relcheck before a deploy and stop unless it says GO.
#
#   examples/pre-deploy.sh [MANIFEST]          # default: release.toml
#   RELCHECK=target/release/relcheck examples/pre-deploy.sh examples/story/friday.toml
#
# Call it first in your deploy script (`examples/pre-deploy.sh || exit 1`) or as the deploy
# job's first step. It exits with relcheck's own code: 0 GO, 1 NO-GO, 2 input error.
set -u

RELCHECK="${RELCHECK:-relcheck}"
MANIFEST="${1:-release.toml}"

"$RELCHECK" check --manifest "$MANIFEST"
status=$?

case "$status" in
  0) echo "pre-deploy: relcheck says GO for $MANIFEST" >&2 ;;
  1) echo "pre-deploy: relcheck says NO-GO for $MANIFEST; not deploying (the findings above say why)" >&2 ;;
  2) echo "pre-deploy: relcheck could not judge $MANIFEST (see the error above); not deploying" >&2 ;;
  *) echo "pre-deploy: relcheck exited $status; not deploying" >&2 ;;
esac
exit "$status"
