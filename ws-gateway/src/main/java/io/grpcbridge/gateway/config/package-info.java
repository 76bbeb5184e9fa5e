/**
 * The gateway's configuration: every bound in one typed mapping ({@code gateway.*}), and the startup
 * check that refuses bounds that contradict each other or keys of earlier versions. Imports nothing
 * of the gateway.
 */
package io.grpcbridge.gateway.config;
