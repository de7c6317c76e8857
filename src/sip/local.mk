# src/sip: SIP helpers without sockets (sec-agree headers).
noinst_LIBRARIES += src/sip/libpcscf-sip.a
src_sip_libpcscf_sip_a_SOURCES = src/sip/secagree.c src/sip/secagree.h

check_PROGRAMS += src/sip/test_secagree
TESTS += src/sip/test_secagree
src_sip_test_secagree_SOURCES = src/sip/test_secagree.c
src_sip_test_secagree_CPPFLAGS = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS)
src_sip_test_secagree_LDADD = src/sip/libpcscf-sip.a $(CMOCKA_LIBS)

# SIP core: message view and value parsers (no sockets).
src_sip_libpcscf_sip_a_SOURCES += \
	src/sip/sip_msg.c src/sip/sip_msg.h \
	src/sip/sip_hdr.c src/sip/sip_hdr.h \
	src/sip/sip_uri.c src/sip/sip_uri.h

check_PROGRAMS += src/sip/test_sip_msg
TESTS += src/sip/test_sip_msg
src_sip_test_sip_msg_SOURCES = src/sip/test_sip_msg.c
src_sip_test_sip_msg_CPPFLAGS = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS)
src_sip_test_sip_msg_LDADD = src/sip/libpcscf-sip.a $(CMOCKA_LIBS)

# SIP core: raw edits and new messages.
src_sip_libpcscf_sip_a_SOURCES += \
	src/sip/sip_edit.c src/sip/sip_edit.h \
	src/sip/sip_util.c src/sip/sip_util.h

check_PROGRAMS += src/sip/test_sip_edit src/sip/test_sip_util
TESTS += src/sip/test_sip_edit src/sip/test_sip_util
src_sip_test_sip_edit_SOURCES = src/sip/test_sip_edit.c
src_sip_test_sip_edit_CPPFLAGS = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS)
src_sip_test_sip_edit_LDADD = src/sip/libpcscf-sip.a $(CMOCKA_LIBS)
src_sip_test_sip_util_SOURCES = src/sip/test_sip_util.c
src_sip_test_sip_util_CPPFLAGS = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS)
src_sip_test_sip_util_LDADD = src/sip/libpcscf-sip.a $(CMOCKA_LIBS)

# SIP core: stream framing and sockets (UDP, TCP) on the event loop.
src_sip_libpcscf_sip_a_SOURCES += \
	src/sip/sip_stream.c src/sip/sip_stream.h \
	src/sip/sip_transport.c src/sip/sip_transport.h

check_PROGRAMS += src/sip/test_sip_transport
TESTS += src/sip/test_sip_transport
src_sip_test_sip_transport_SOURCES = src/sip/test_sip_transport.c
src_sip_test_sip_transport_CPPFLAGS = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS)
src_sip_test_sip_transport_LDADD = src/sip/libpcscf-sip.a src/common/libcommon.a $(CMOCKA_LIBS)
EXTRA_DIST += doc/sip-core.md
