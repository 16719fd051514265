package dev.autolog.core.tracking.rest;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The REST tracker's JSON mapper, in a class of its own so Jackson loads at first use, on the worker. */
final class JsonMapper {
  static final ObjectMapper JSON = new ObjectMapper();

  private JsonMapper() {}
}
