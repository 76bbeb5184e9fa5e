/**
 * Protocol v1, the front door the original Go gateway's clients and the chat page use: {@code /ws},
 * the chat method in its own frames (the request itself, echoed). Imports every package below.
 */
package io.grpcbridge.gateway.v1;
