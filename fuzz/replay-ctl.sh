#!/bin/sh
# Replays the control-protocol seed corpus through the harness, built as a plain program (TAP).
# make check runs this from the top build directory with $srcdir set.
exec ./fuzz/replay_ctl "${srcdir:-.}/fuzz/corpus/ctl"
