# src/common: small shared pieces — hex/base64, Milenage, AKA, Digest (libcommon.a).
noinst_LIBRARIES += src/common/libcommon.a
src_common_libcommon_a_SOURCES = \
	src/common/codec.c src/common/codec.h \
	src/common/milenage.c src/common/milenage.h \
	src/common/aka.c src/common/aka.h \
	src/common/digest.c src/common/digest.h
src_common_libcommon_a_CPPFLAGS = $(AM_CPPFLAGS) $(CRYPTO_CFLAGS)

COMMON_TEST_CPPFLAGS = $(AM_CPPFLAGS) $(CRYPTO_CFLAGS) $(CMOCKA_CFLAGS)
COMMON_TEST_LDADD = src/common/libcommon.a $(CRYPTO_LIBS) $(CMOCKA_LIBS)

check_PROGRAMS += src/common/test_codec src/common/test_milenage src/common/test_aka \
	src/common/test_digest
TESTS += src/common/test_codec src/common/test_milenage src/common/test_aka \
	src/common/test_digest

src_common_test_codec_SOURCES = src/common/test_codec.c
src_common_test_codec_CPPFLAGS = $(COMMON_TEST_CPPFLAGS)
src_common_test_codec_LDADD = $(COMMON_TEST_LDADD)

src_common_test_milenage_SOURCES = src/common/test_milenage.c
src_common_test_milenage_CPPFLAGS = $(COMMON_TEST_CPPFLAGS)
src_common_test_milenage_LDADD = $(COMMON_TEST_LDADD)

src_common_test_aka_SOURCES = src/common/test_aka.c
src_common_test_aka_CPPFLAGS = $(COMMON_TEST_CPPFLAGS)
src_common_test_aka_LDADD = $(COMMON_TEST_LDADD)

src_common_test_digest_SOURCES = src/common/test_digest.c
src_common_test_digest_CPPFLAGS = $(COMMON_TEST_CPPFLAGS)
src_common_test_digest_LDADD = $(COMMON_TEST_LDADD)

# Logging and the event loop (used by pcscfd, hss-stub and ue-sim).
src_common_libcommon_a_SOURCES += \
	src/common/log.c src/common/log.h \
	src/common/evloop.c src/common/evloop.h

check_PROGRAMS += src/common/test_evloop
TESTS += src/common/test_evloop
src_common_test_evloop_SOURCES = src/common/test_evloop.c
src_common_test_evloop_CPPFLAGS = $(COMMON_TEST_CPPFLAGS)
src_common_test_evloop_LDADD = $(COMMON_TEST_LDADD)
