package dev.starling.node.error;

/** MongoDB's server error codes and their code names, as drivers and tests match on them. */
public enum ErrorCode {
  INTERNAL_ERROR(1, "InternalError"),
  BAD_VALUE(2, "BadValue"),
  NO_SUCH_KEY(4, "NoSuchKey"),
  GRAPH_CONTAINS_CYCLE(5, "GraphContainsCycle"),
  FAILED_TO_PARSE(9, "FailedToParse"),
  UNAUTHORIZED(13, "Unauthorized"),
  TYPE_MISMATCH(14, "TypeMismatch"),
  OVERFLOW(15, "Overflow"),
  INVALID_LENGTH(16, "InvalidLength"),
  PROTOCOL_ERROR(17, "ProtocolError"),
  ILLEGAL_OPERATION(20, "IllegalOperation"),
  EMPTY_ARRAY_OPERATION(21, "EmptyArrayOperation"),
  INVALID_BSON(22, "InvalidBSON"),
  NAMESPACE_NOT_FOUND(26, "NamespaceNotFound"),
  INDEX_NOT_FOUND(27, "IndexNotFound"),
  PATH_NOT_VIABLE(28, "PathNotViable"),
  CONFLICTING_UPDATE_OPERATORS(40, "ConflictingUpdateOperators"),
  CURSOR_NOT_FOUND(43, "CursorNotFound"),
  NAMESPACE_EXISTS(48, "NamespaceExists"),
  DOLLAR_PREFIXED_FIELD_NAME(52, "DollarPrefixedFieldName"),
  EMPTY_FIELD_NAME(56, "EmptyFieldName"),
  DOTTED_FIELD_NAME(57, "DottedFieldName"),
  COMMAND_NOT_FOUND(59, "CommandNotFound"),
  WRITE_CONCERN_FAILED(64, "WriteConcernFailed"),
  IMMUTABLE_FIELD(66, "ImmutableField"),
  CANNOT_CREATE_INDEX(67, "CannotCreateIndex"),
  INDEX_ALREADY_EXISTS(68, "IndexAlreadyExists"),
  INVALID_OPTIONS(72, "InvalidOptions"),
  INVALID_NAMESPACE(73, "InvalidNamespace"),
  NODE_NOT_FOUND(74, "NodeNotFound"),
  INVALID_REPLICA_SET_CONFIG(93, "InvalidReplicaSetConfig"),
  NOT_YET_INITIALIZED(94, "NotYetInitialized"),
  UNSATISFIABLE_WRITE_CONCERN(100, "UnsatisfiableWriteConcern"),
  INCOMPATIBLE_CONFIG(103, "NewReplicaSetConfigurationIncompatible"),
  NO_REPLICATION_ENABLED(76, "NoReplicationEnabled"),
  INDEX_OPTIONS_CONFLICT(85, "IndexOptionsConflict"),
  INDEX_KEY_SPECS_CONFLICT(86, "IndexKeySpecsConflict"),
  COMMAND_NOT_SUPPORTED(115, "CommandNotSupported"),
  CANNOT_INDEX_PARALLEL_ARRAYS(171, "CannotIndexParallelArrays"),
  DOCUMENT_VALIDATION_FAILURE(121, "DocumentValidationFailure"),
  INVALID_PIPELINE_OPERATOR(168, "InvalidPipelineOperator"),
  INVALID_ID_FIELD(53, "InvalidIdField"),
  BSON_OBJECT_TOO_LARGE(10334, "BSONObjectTooLarge"),
  INTERRUPTED_DUE_TO_REPL_STATE_CHANGE(11602, "InterruptedDueToReplStateChange"),
  DUPLICATE_KEY(11000, "DuplicateKey"),
  NOT_WRITABLE_PRIMARY(10107, "NotWritablePrimary"),
  NOT_PRIMARY_NO_SECONDARY_OK(13435, "NotPrimaryNoSecondaryOk"),
  NOT_PRIMARY_OR_SECONDARY(13436, "NotPrimaryOrSecondary"),
  LOCATION_16555(16555, "Location16555"),
  QUERY_FEATURE_NOT_ALLOWED(224, "QueryFeatureNotAllowed"),
  CURRENT_CONFIG_NOT_COMMITTED_YET(308, "CurrentConfigNotCommittedYet"),
  NOT_IMPLEMENTED(238, "NotImplemented"),
  LOCATION_31254(31254, "Location31254"),
  LOCATION_31253(31253, "Location31253"),
  LOCATION_40352(40352, "Location40352"),
  LOCATION_15998(15998, "Location15998"),
  LOCATION_40323(40323, "Location40323"),
  LOCATION_40324(40324, "Location40324"),
  LOCATION_40234(40234, "Location40234"),
  LOCATION_16410(16410, "Location16410"),
  LOCATION_15976(15976, "Location15976"),
  LOCATION_15973(15973, "Location15973"),
  LOCATION_15974(15974, "Location15974"),
  LOCATION_15955(15955, "Location15955"),
  LOCATION_16020(16020, "Location16020"),
  LOCATION_28769(28769, "Location28769"),
  LOCATION_28724(28724, "Location28724"),
  LOCATION_17276(17276, "Location17276"),
  LOCATION_51024(51024, "Location51024");

  private final int code;
  private final String codeName;

  ErrorCode(int code, String codeName) {
    this.code = code;
    this.codeName = codeName;
  }

  public int code() {
    return code;
  }

  public String codeName() {
    return codeName;
  }

  /**
   * A MongoDB "LocationNNNNN" error: mongod reports assertion sites by number for many query
   * errors.
   */
  public static ErrorCode location(int code) {
    for (ErrorCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    throw new IllegalArgumentException("no error code " + code);
  }
}
