/**
 * One socket and its call, and what all sockets share: the per-socket bridge that paces both ways
 * ({@code StreamBridge}), the client's end of the socket, the input window, emitter and rate, the
 * frame formats of method sockets, the close rules, the memory budget and the meters. Imports
 * {@code config}, {@code internals}, {@code json} and {@code backend}.
 */
package io.grpcbridge.gateway.socket;
