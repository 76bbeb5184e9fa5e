package io.grpcbridge.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** The gateway under test: a loopback address only, so that load never leaves this machine. */
record Target(URI url, String address, int port, String path) {

    /** Resolves the URL's host once; every address it resolves to must be a loopback one. */
    static Target loopback(URI url) throws UsageException {
        String host = url.getHost().replaceAll("^\\[|]$", "");
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new UsageException("cannot resolve '" + host + "'");
        }
        for (InetAddress a : addresses) {
            if (!a.isLoopbackAddress()) {
                String what = a.getHostAddress().equals(host) ? host : host + " (" + a.getHostAddress() + ")";
                throw new UsageException("refusing " + url + ": " + what + " is not a loopback address (127.0.0.0/8, ::1)");
            }
        }
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        return new Target(url, addresses[0].getHostAddress(), url.getPort() < 0 ? 80 : url.getPort(), path);
    }
}
