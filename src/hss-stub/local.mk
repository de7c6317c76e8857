# src/hss-stub: S-CSCF/registrar with an embedded HSS.
# libhss.a holds what the registrar (SIP side) will share with the CLI: the subscriber store
# and the subscriber file parser.
noinst_LIBRARIES += src/hss-stub/libhss.a
src_hss_stub_libhss_a_SOURCES = \
	src/hss-stub/hss_db.c src/hss-stub/hss_db.h \
	src/hss-stub/hss_import.c src/hss-stub/hss_import.h
src_hss_stub_libhss_a_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)

HSS_STUB_LIBS = src/hss-stub/libhss.a src/common/libcommon.a $(SQLITE_LIBS) $(CRYPTO_LIBS)

bin_PROGRAMS += src/hss-stub/hss-stub
src_hss_stub_hss_stub_SOURCES = \
	src/hss-stub/hss-stub.c \
	src/hss-stub/hss_cli.c src/hss-stub/hss_cli.h \
	src/hss-stub/hss_vector.c \
	src/hss-stub/hss_subscriber.c
src_hss_stub_hss_stub_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS)
src_hss_stub_hss_stub_LDADD = $(HSS_STUB_LIBS)

check_PROGRAMS += src/hss-stub/test_hss_db
TESTS += src/hss-stub/test_hss_db
src_hss_stub_test_hss_db_SOURCES = src/hss-stub/test_hss_db.c
src_hss_stub_test_hss_db_CPPFLAGS = $(AM_CPPFLAGS) $(SQLITE_CFLAGS) $(CRYPTO_CFLAGS) \
	$(CMOCKA_CFLAGS)
src_hss_stub_test_hss_db_LDADD = $(HSS_STUB_LIBS) $(CMOCKA_LIBS)

# The command-line test runs the built hss-stub (from the build directory, or $HSS_STUB).
TESTS += src/hss-stub/test_hss_cli.sh
EXTRA_DIST += src/hss-stub/test_hss_cli.sh etc/subscribers.example

dist_man_MANS += doc/hss-stub.8
