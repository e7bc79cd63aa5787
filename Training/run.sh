#!/usr/bin/env bash
# The whole training pipeline, resumable: the autoencoder until its gate (skipped once a DiT exists, since the
# DiT's latents depend on it), then the DiT for as long as it is left running. State lives in $DIT_STUDIO_CKPT
# (default ~/ckpt/dit-studio); on a fresh machine the DiT resumes from the export in Models/shapes-mmdit.
# Thread count: $DIT_STUDIO_CKPT/threads (re-read while running), default 1.
set -euo pipefail
cd "$(dirname "$0")"
ckpt="${DIT_STUDIO_CKPT:-$HOME/ckpt/dit-studio}"
mkdir -p "$ckpt"
if [ ! -f "$ckpt/dit/latest.pt" ] && [ ! -d ../Models/shapes-mmdit/transformer ]; then
  python3 train_vae.py --minutes "${VAE_MINUTES:-70}"
fi
echo "${DIT_THREADS:-1}" > "$ckpt/threads"  # the DiT shares the machine with builds: one thread
exec python3 train_dit.py "$@"
