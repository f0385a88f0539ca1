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
  CONVERSION_FAILURE(241, "ConversionFailure"),
  BSON_OBJECT_TOO_LARGE(10334, "BSONObjectTooLarge"),
  INTERRUPTED_DUE_TO_REPL_STATE_CHANGE(11602, "InterruptedDueToReplStateChange"),
  DUPLICATE_KEY(11000, "DuplicateKey"),
  NOT_WRITABLE_PRIMARY(10107, "NotWritablePrimary"),
  NOT_PRIMARY_NO_SECONDARY_OK(13435, "NotPrimaryNoSecondaryOk"),
  NOT_PRIMARY_OR_SECONDARY(13436, "NotPrimaryOrSecondary"),
  LOCATION_16555(16555, "Location16555"),
  UNSUPPORTED_OP_QUERY_COMMAND(352, "UnsupportedOpQueryCommand"),
  QUERY_EXCEEDED_MEMORY_LIMIT(292, "QueryExceededMemoryLimitNoDiskUseAllowed"),
  OPERATION_FAILED(96, "OperationFailed"),
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
  LOCATION_51108(51108, "Location51108"),
  LOCATION_51091(51091, "Location51091"),
  LOCATION_15983(15983, "Location15983"),
  LOCATION_16554(16554, "Location16554"),
  LOCATION_16556(16556, "Location16556"),
  LOCATION_16609(16609, "Location16609"),
  LOCATION_16610(16610, "Location16610"),
  LOCATION_16611(16611, "Location16611"),
  LOCATION_28680(28680, "Location28680"),
  LOCATION_16702(16702, "Location16702"),
  LOCATION_16007(16007, "Location16007"),
  LOCATION_34443(34443, "Location34443"),
  LOCATION_28656(28656, "Location28656"),
  LOCATION_34450(34450, "Location34450"),
  LOCATION_34451(34451, "Location34451"),
  LOCATION_34452(34452, "Location34452"),
  LOCATION_34471(34471, "Location34471"),
  LOCATION_17124(17124, "Location17124"),
  LOCATION_28689(28689, "Location28689"),
  LOCATION_28690(28690, "Location28690"),
  LOCATION_28691(28691, "Location28691"),
  LOCATION_40081(40081, "Location40081"),
  LOCATION_16872(16872, "Location16872"),
  LOCATION_17080(17080, "Location17080"),
  LOCATION_17081(17081, "Location17081"),
  LOCATION_17082(17082, "Location17082"),
  LOCATION_31250(31250, "Location31250"),
  LOCATION_31252(31252, "Location31252"),
  LOCATION_31310(31310, "Location31310"),
  LOCATION_31325(31325, "Location31325"),
  LOCATION_40177(40177, "Location40177"),
  LOCATION_51272(51272, "Location51272"),
  LOCATION_15952(15952, "Location15952"),
  LOCATION_40235(40235, "Location40235"),
  LOCATION_40236(40236, "Location40236"),
  LOCATION_15958(15958, "Location15958"),
  LOCATION_15956(15956, "Location15956"),
  LOCATION_40156(40156, "Location40156"),
  LOCATION_40158(40158, "Location40158"),
  LOCATION_40160(40160, "Location40160"),
  LOCATION_28818(28818, "Location28818"),
  LOCATION_28810(28810, "Location28810"),
  LOCATION_28812(28812, "Location28812"),
  LOCATION_28815(28815, "Location28815"),
  LOCATION_40228(40228, "Location40228"),
  LOCATION_40148(40148, "Location40148"),
  LOCATION_40147(40147, "Location40147"),
  LOCATION_40237(40237, "Location40237"),
  LOCATION_40238(40238, "Location40238"),
  LOCATION_40272(40272, "Location40272"),
  LOCATION_16006(16006, "Location16006"),
  LOCATION_28745(28745, "Location28745"),
  LOCATION_241(241, "Location241"),
  LOCATION_28679(28679, "Location28679"),
  LOCATION_16034(16034, "Location16034"),
  LOCATION_16035(16035, "Location16035"),
  LOCATION_16412(16412, "Location16412"),
  LOCATION_16612(16612, "Location16612"),
  LOCATION_16876(16876, "Location16876"),
  LOCATION_17083(17083, "Location17083"),
  LOCATION_28657(28657, "Location28657"),
  LOCATION_28664(28664, "Location28664"),
  LOCATION_28765(28765, "Location28765"),
  LOCATION_34453(34453, "Location34453"),
  LOCATION_34454(34454, "Location34454"),
  LOCATION_34455(34455, "Location34455"),
  LOCATION_1257300(1257300, "Location1257300"),
  LOCATION_15975(15975, "Location15975"),
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
