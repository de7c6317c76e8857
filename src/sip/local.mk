# src/sip: SIP helpers without sockets (sec-agree headers).
