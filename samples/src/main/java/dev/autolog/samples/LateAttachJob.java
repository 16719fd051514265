package dev.autolog.samples;

import com.sun.tools.attach.VirtualMachine;

/**
 * A job the agent is attached to while it runs, as an operator would with {@code jcmd} or the attach
 * API: it trains the regression model of {@link Dl4jLegacyJob} once, so DL4J's classes are loaded
 * and used, then attaches the agent jar given as its argument to its own JVM, then trains the same
 * model once more. Needs {@code -Djdk.attach.allowAttachSelf=true}.
 *
 * <p>Usage: {@code LateAttachJob <agent jar> [agent arguments]}.
 */
public final class LateAttachJob {
    private LateAttachJob() {
    }

    public static void main(String[] args) throws Exception {
        Dl4jLegacyJob.regression();
        VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
        try {
            vm.loadAgent(args[0], args.length > 1 ? args[1] : null);
        } finally {
            vm.detach();
        }
        System.out.println("attached");
        Dl4jLegacyJob.regression();
        System.out.println("done");
    }
}
