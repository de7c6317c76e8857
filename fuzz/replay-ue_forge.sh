#!/bin/sh
# Replays the ue_forge seed corpus through the harness, built as a plain program (TAP).
# make check runs this from the top build directory with $srcdir set.
exec ./fuzz/replay_ue_forge "${srcdir:-.}/fuzz/corpus/ue_forge"
