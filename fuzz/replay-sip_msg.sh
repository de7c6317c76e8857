#!/bin/sh
# Replays the sip_msg seed corpus through the harness, built as a plain program (TAP).
# make check runs this from the top build directory with $srcdir set.
exec ./fuzz/replay_sip_msg "${srcdir:-.}/fuzz/corpus/sip_msg"
