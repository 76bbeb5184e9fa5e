/**
 * The websockets-next endpoints: where an admitted upgrade becomes a socket with its own bridge and
 * call, and the method sockets ({@code /ws/package.Service/Method}). Imports every package below.
 */
package io.grpcbridge.gateway.endpoint;
