# src/xfrm/keys.mk: TS 33.203 Annex I key derivation (ipsec_keys).
