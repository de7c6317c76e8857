/*
 * ue_hostile.h — the pure parts of ue-sim's network attacks (see ue_hostile.c), apart so
 * unit tests and the fuzz harness reach them.
 */
#ifndef UE_HOSTILE_H
#define UE_HOSTILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/**
 * ue_hostile_esp_frame() - whether an Ethernet frame carries an ESP packet from one of
 * @srcs to @dst (IPv6 with ESP as the first next header, or IPv4 with protocol 50).
 * @frame: the frame as an AF_PACKET SOCK_RAW socket reads it.
 * @len: its length.
 * @srcs: addresses the packet may come from (ports ignored).
 * @n_srcs: their number.
 * @dst: where it must go (port ignored).
 * @spi: receives the SPI (host order).
 * @seq: receives the ESP sequence number (host order).
 * @return 0 when it does, -ENOENT when not (or too short to tell).
 */
int ue_hostile_esp_frame(const uint8_t *frame, size_t len, const struct sockaddr_storage *srcs,
			 size_t n_srcs, const struct sockaddr_storage *dst, uint32_t *spi,
			 uint32_t *seq);

#endif /* UE_HOSTILE_H */
