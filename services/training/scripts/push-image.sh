#!/usr/bin/env bash
# Build the model image from packages/model and push it to this stage's ECR repository (created by
# the training stack), tagged `latest` and `git-<commit>`. Needs Docker, the AWS CLI and
# credentials for the account; not run by CI.
#
#   services/training/scripts/push-image.sh [stage]        # stage defaults to $STAGE or dev
#
# Then either let training use `latest` (the stack's default MODEL_IMAGE_URI), or pin the printed
# git tag for reproducible jobs:  sls deploy --stage <stage> --param "modelImageUri=<printed uri>"
set -euo pipefail

STAGE=${1:-${STAGE:-dev}}
REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
STACK="digits-training-${STAGE}"

fail() { echo "push-image: $*" >&2; exit 1; }
command -v docker >/dev/null || fail "docker is not installed"
command -v aws >/dev/null || fail "the AWS CLI is not installed"

REPO_URI=$(aws cloudformation describe-stacks --region "$REGION" --stack-name "$STACK" \
  --query "Stacks[0].Outputs[?OutputKey=='ModelRepositoryUri'].OutputValue" --output text) \
  || fail "cannot read stack ${STACK} in ${REGION}: deploy services/training first (sls deploy --stage ${STAGE})"
[ -n "$REPO_URI" ] && [ "$REPO_URI" != "None" ] || fail "stack ${STACK} has no ModelRepositoryUri output"
REGISTRY=${REPO_URI%%/*}

TAG="git-$(git -C "$ROOT" rev-parse --short=12 HEAD)"
if [ -n "$(git -C "$ROOT" status --porcelain -- packages/model packages/common)" ]; then
  TAG="${TAG}-dirty"
  echo "push-image: packages/model or packages/common has uncommitted changes; tagging ${TAG}" >&2
fi

# The bundle is built on the host (see packages/model/Dockerfile); SageMaker's ml.* training and
# hosting instances used here are x86_64.
pnpm --dir "$ROOT" --filter @digits/model build
docker build --platform linux/amd64 -t "${REPO_URI}:${TAG}" -t "${REPO_URI}:latest" "$ROOT/packages/model"

aws ecr get-login-password --region "$REGION" | docker login --username AWS --password-stdin "$REGISTRY"
docker push "${REPO_URI}:${TAG}"
docker push "${REPO_URI}:latest"

echo "pushed ${REPO_URI}:${TAG} (also :latest)"
echo "MODEL_IMAGE_URI=${REPO_URI}:${TAG}"
