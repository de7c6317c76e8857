# src/ue-sim: simulated UEs (ue-sim). libuesim.a holds everything but main(), so that the
# unit tests link the same objects.
noinst_LIBRARIES += src/ue-sim/libuesim.a
src_ue_sim_libuesim_a_SOURCES = \
	src/ue-sim/ue_ident.c src/ue-sim/ue_ident.h \
	src/ue-sim/ue_auth.c src/ue-sim/ue_auth.h \
	src/ue-sim/ue_secagree.c src/ue-sim/ue_secagree.h \
	src/ue-sim/ue_step.c src/ue-sim/ue_step.h \
	src/ue-sim/ue_dialog.c src/ue-sim/ue_dialog.h \
	src/ue-sim/ue_addr.c src/ue-sim/ue_addr.h \
	src/ue-sim/ue.h src/ue-sim/ue_core.c src/ue-sim/ue_reg.c src/ue-sim/ue_call.c \
	src/ue-sim/ue_ipsec.c src/ue-sim/ue_run.c \
	src/ue-sim/ue_forge.c src/ue-sim/ue_forge.h \
	src/ue-sim/ue_hostile.c src/ue-sim/ue_load.c
src_ue_sim_libuesim_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CRYPTO_CFLAGS)

# What ue-sim and its tests link: the subscriber file parser comes from hss-stub's library.
UE_SIM_LIBS = src/ue-sim/libuesim.a src/hss-stub/libhss.a src/sip/libpcscf-sip.a \
	$(PCSCF_XFRM_LIBS) src/common/libcommon.a $(SQLITE_LIBS) $(LIBNL_LIBS) $(CRYPTO_LIBS)
UE_SIM_TEST_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CRYPTO_CFLAGS) $(CMOCKA_CFLAGS)

bin_PROGRAMS += src/ue-sim/ue-sim
src_ue_sim_ue_sim_SOURCES = src/ue-sim/ue-sim.c
src_ue_sim_ue_sim_CPPFLAGS = $(AM_CPPFLAGS) $(LIBNL_CFLAGS) $(CRYPTO_CFLAGS)
src_ue_sim_ue_sim_LDADD = $(UE_SIM_LIBS)

check_PROGRAMS += src/ue-sim/test_ue_ident src/ue-sim/test_ue_auth src/ue-sim/test_ue_secagree \
	src/ue-sim/test_ue_step src/ue-sim/test_ue_dialog src/ue-sim/test_ue_addr \
	src/ue-sim/test_ue_forge
TESTS += src/ue-sim/test_ue_ident src/ue-sim/test_ue_auth src/ue-sim/test_ue_secagree \
	src/ue-sim/test_ue_step src/ue-sim/test_ue_dialog src/ue-sim/test_ue_addr \
	src/ue-sim/test_ue_forge

src_ue_sim_test_ue_ident_SOURCES = src/ue-sim/test_ue_ident.c
src_ue_sim_test_ue_ident_CPPFLAGS = $(UE_SIM_TEST_CPPFLAGS) -DUE_TEST_SRCDIR='"$(abs_top_srcdir)"'
src_ue_sim_test_ue_ident_LDADD = $(UE_SIM_LIBS) $(CMOCKA_LIBS)
src_ue_sim_test_ue_auth_SOURCES = src/ue-sim/test_ue_auth.c
src_ue_sim_test_ue_auth_CPPFLAGS = $(UE_SIM_TEST_CPPFLAGS)
src_ue_sim_test_ue_auth_LDADD = $(UE_SIM_LIBS) $(CMOCKA_LIBS)
src_ue_sim_test_ue_secagree_SOURCES = src/ue-sim/test_ue_secagree.c
src_ue_sim_test_ue_secagree_CPPFLAGS = $(UE_SIM_TEST_CPPFLAGS)
src_ue_sim_test_ue_secagree_LDADD = $(UE_SIM_LIBS) $(CMOCKA_LIBS)
src_ue_sim_test_ue_step_SOURCES = src/ue-sim/test_ue_step.c
src_ue_sim_test_ue_step_CPPFLAGS = $(UE_SIM_TEST_CPPFLAGS)
src_ue_sim_test_ue_step_LDADD = $(UE_SIM_LIBS) $(CMOCKA_LIBS)
src_ue_sim_test_ue_dialog_SOURCES = src/ue-sim/test_ue_dialog.c
src_ue_sim_test_ue_dialog_CPPFLAGS = $(UE_SIM_TEST_CPPFLAGS)
src_ue_sim_test_ue_dialog_LDADD = $(UE_SIM_LIBS) $(CMOCKA_LIBS)
src_ue_sim_test_ue_addr_SOURCES = src/ue-sim/test_ue_addr.c
src_ue_sim_test_ue_addr_CPPFLAGS = $(UE_SIM_TEST_CPPFLAGS)
src_ue_sim_test_ue_addr_LDADD = $(UE_SIM_LIBS) $(CMOCKA_LIBS)
src_ue_sim_test_ue_forge_SOURCES = src/ue-sim/test_ue_forge.c
src_ue_sim_test_ue_forge_CPPFLAGS = $(UE_SIM_TEST_CPPFLAGS)
src_ue_sim_test_ue_forge_LDADD = $(UE_SIM_LIBS) $(CMOCKA_LIBS)
dist_man_MANS += doc/ue-sim.8
