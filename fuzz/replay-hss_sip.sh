#!/bin/sh
# Replays the hss_sip seed corpus through the harness, built as a plain program (TAP).
# make check runs this from the top build directory with $srcdir set.
exec ./fuzz/replay_hss_sip "${srcdir:-.}/fuzz/corpus/hss_sip"
