package dev.autolog.samples;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A launcher built the way fat-jar launchers and application servers are: a job and all its
 * libraries are loaded by a {@link URLClassLoader} of their own whose parent is the platform class
 * loader, so nothing on the JVM's class path (where a {@code -javaagent} jar also sits) is visible to
 * them.
 *
 * <p>Usage: {@code ChildLoaderJob <main class> [args...] [--next <main class> [args...]]...}. The
 * jobs' class path comes from the system property {@code child.classpath} (entries separated by the
 * platform's path separator). Each job gets a new loader, so each has its own copy of every library
 * (two DL4J jobs mean two DL4J copies in one JVM). The jobs run one after the other; with more than
 * one, each is announced by a line {@code == job <n> ==}.
 *
 * <p>A job's exception leaves {@code main} as the job threw it (not wrapped), so the exit code and
 * the exception are the job's own.
 */
public final class ChildLoaderJob {
    private ChildLoaderJob() {
    }

    public static void main(String[] args) throws Throwable {
        List<List<String>> jobs = new ArrayList<>();
        jobs.add(new ArrayList<>());
        for (String arg : args) {
            if (arg.equals("--next")) {
                jobs.add(new ArrayList<>());
            } else {
                jobs.get(jobs.size() - 1).add(arg);
            }
        }
        URL[] classPath = classPath(System.getProperty("child.classpath"));
        for (int n = 0; n < jobs.size(); n++) {
            List<String> job = jobs.get(n);
            if (jobs.size() > 1) {
                System.out.println("== job " + (n + 1) + " ==");
            }
            // Parent = platform loader: the JDK's modules only, not the application class path.
            // The loader stays open after the job: the agent may still save the job's models at exit.
            URLClassLoader loader = new URLClassLoader("job-" + (n + 1), classPath, ClassLoader.getPlatformClassLoader());
            Thread.currentThread().setContextClassLoader(loader);
            String[] jobArgs = job.subList(1, job.size()).toArray(new String[0]);
            try {
                Class.forName(job.get(0), true, loader).getMethod("main", String[].class).invoke(null, (Object) jobArgs);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private static URL[] classPath(String entries) throws MalformedURLException {
        if (entries == null || entries.isBlank()) {
            throw new IllegalArgumentException("set -Dchild.classpath to the jobs' class path");
        }
        List<URL> urls = new ArrayList<>();
        for (String entry : Arrays.asList(entries.split(File.pathSeparator))) {
            if (!entry.isBlank()) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        return urls.toArray(new URL[0]);
    }
}
