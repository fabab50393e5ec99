#pragma once

#include "Checker.h"
#include "Config.h"
#include "FieldPath.h"
#include "NameIndex.h"

namespace portico::validation {

class ConsumerScan;

// Validation of the authentication and access fields, with ConfigValidator's conventions (one
// error per problem, in field order, each naming its path): where a route's API key travels,
// which JWT providers it accepts and whom it lets in (consumer groups, client addresses); a
// consumer's custom id and groups.

void checkRouteAccess(Checker &check, const FieldPath &base, const RouteConfig &route,
                      const NameLookup<JwtProviderConfig> &hasProvider);

// A repeated custom_id is found by `scan` (ConsumerScan), like repeated names.
void checkConsumerAccess(Checker &check, const FieldPath &base, qsizetype index,
                         const ConsumerConfig &consumer, ConsumerScan &scan);

// True when checkConsumerAccess() has nothing to say about `consumer`, a repeated custom_id
// aside: ConsumerScan's quick pass over every consumer.
bool isConsumerAccessClean(const ConsumerConfig &consumer);

} // namespace portico::validation
