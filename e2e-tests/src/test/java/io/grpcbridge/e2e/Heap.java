package io.grpcbridge.e2e;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.grpcbridge.testing.Prometheus;

/** A service process's heap after a full GC: jcmd triggers the GC, the service's own metrics say the rest. */
final class Heap {

    private Heap() {
    }

    static long afterGc(ServiceProcess service) throws IOException, InterruptedException {
        String jcmd = System.getProperty("java.home") + "/bin/jcmd";
        Process gc = new ProcessBuilder(jcmd, String.valueOf(service.pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!gc.waitFor(30, TimeUnit.SECONDS) || gc.exitValue() != 0) {
            throw new IllegalStateException("jcmd GC.run failed for " + service.pid());
        }
        return (long) Prometheus.sum(service.uri(), "jvm_memory_used_bytes", "area=\"heap\"");
    }
}
