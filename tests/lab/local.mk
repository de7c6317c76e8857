# tests/lab: the network lab (topology, self-test, probes); run by ./lab check.
noinst_PROGRAMS += tests/lab/labtool
tests_lab_labtool_SOURCES = tests/lab/labtool.c

EXTRA_DIST += bench/xfrm tests/lab/labnet tests/lab/lab.env tests/lab/uml-init tests/lab/uml-xstate.c \
	tests/lab/run-tests tests/lab/testlib.sh tests/lab/demo tests/lab/scenario \
	tests/lab/t-lab-selftest.sh tests/lab/t-xfrm-prefix.sh tests/lab/t-xfrm-guard.sh \
	tests/lab/t-xfrm-atomic.sh tests/lab/t-xfrm-algs.sh tests/lab/t-xfrm-events.sh tests/lab/t-pcscf-privsep.sh
EXTRA_DIST += tests/lab/t-pcscf-register.sh

noinst_PROGRAMS += tests/lab/xfrmtool
tests_lab_xfrmtool_SOURCES = tests/lab/xfrmtool.c
tests_lab_xfrmtool_LDADD = $(PCSCF_XFRM_LIBS)

noinst_PROGRAMS += tests/lab/privsep_probe
tests_lab_privsep_probe_SOURCES = tests/lab/privsep_probe.c
tests_lab_privsep_probe_LDADD = $(PCSCF_BASE_LIBS)
EXTRA_DIST += tests/lab/t-uesim-direct.sh
EXTRA_DIST += tests/lab/t-hss-register.sh
EXTRA_DIST += tests/lab/t-uesim-pcscf.sh
EXTRA_DIST += tests/lab/t-pcscf-restart.sh tests/lab/restart.scenario
EXTRA_DIST += tests/lab/t-pcscfctl.sh tests/lab/pcscflib.sh

noinst_PROGRAMS += tests/lab/pcscf_seed
tests_lab_pcscf_seed_SOURCES = tests/lab/pcscf_seed.c
tests_lab_pcscf_seed_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CRYPTO_CFLAGS)
tests_lab_pcscf_seed_LDADD = $(PCSCF_LOGIC_LIBS)
EXTRA_DIST += bench/restart
EXTRA_DIST += tests/lab/t-pcscf-signing.sh tests/lab/uesteps.sh
EXTRA_DIST += tests/lab/t-pcscf-signing-restart.sh
EXTRA_DIST += tests/lab/t-pcscf-pool.sh
