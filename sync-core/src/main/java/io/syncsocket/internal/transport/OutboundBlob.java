package io.syncsocket.internal.transport;

/**
 * A blob ({@code checksum || body}) queued on one link. The same array may be queued on
 * many links at once (a broadcast is encoded once); nobody modifies it.
 *
 * @param blob the uncompressed blob
 * @param compressible false for handshakes, which are always sent uncompressed
 * (PROTOCOL.md §5.1)
 */
record OutboundBlob(byte[] blob, boolean compressible) {
}
