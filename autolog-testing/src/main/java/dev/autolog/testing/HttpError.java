package dev.autolog.testing;

import java.util.Map;

/**
 * A response that the real server's web framework (Flask/Werkzeug) produces on its own: the HTML error
 * pages, and the 500 page it shows when a handler raises something other than an {@code MlflowException}.
 */
final class HttpError extends RuntimeException {

    final int status;
    final String body;
    final Map<String, String> headers;

    private HttpError(int status, String body, Map<String, String> headers) {
        super(status + "", null, false, false);
        this.status = status;
        this.body = body;
        this.headers = headers;
    }

    static HttpError badRequest() {
        return page(400, "Bad Request", "The browser (or proxy) sent a request that this server could not understand.");
    }

    static HttpError notFound() {
        return page(404, "Not Found", "The requested URL was not found on the server. If you entered the URL manually"
                + " please check your spelling and try again.");
    }

    static HttpError methodNotAllowed(String allow) {
        HttpError e = page(405, "Method Not Allowed", "The method is not allowed for the requested URL.");
        return new HttpError(e.status, e.body, Map.of("Allow", allow));
    }

    static HttpError unsupportedMediaType() {
        return page(415, "Unsupported Media Type", "The server does not support the media type transmitted in the request.");
    }

    /** What Flask answers when a handler raises an exception that is not an {@code MlflowException}. */
    static HttpError internal() {
        return page(500, "Internal Server Error", "The server encountered an internal error and was unable to complete"
                + " your request. Either the server is overloaded or there is an error in the application.");
    }

    private static HttpError page(int status, String name, String description) {
        String body = "<!doctype html>\n<html lang=en>\n<title>" + status + " " + name + "</title>\n<h1>" + name
                + "</h1>\n<p>" + description + "</p>\n";
        return new HttpError(status, body, Map.of());
    }
}
