#!/bin/sh
# Replays the secagree seed corpus through the harness, built as a plain program (TAP).
# make check runs this from the top build directory with $srcdir set.
exec ./fuzz/replay_secagree "${srcdir:-.}/fuzz/corpus/secagree"
