#pragma once

#include "ForeignReport.h"
#include "config/TreeValue.h"

namespace portico {

// Authentication and access in decK terms, for exportKong (KongExportAccess.cpp).

// {name: <name>, config: <config>} (config left out when empty).
TreeValue kongPlugin(const char *name, TreeValue config);

// A route's authentication and access as plugins: key-auth (key_header, key_in_query), jwt,
// acl (allow_groups or deny_groups) and ip-restriction (allow_ips, deny_ips). What Kong cannot
// express is reported under `where` ("routes[3] (orders)").
void appendKongAccessPlugins(const RouteConfig &route, const QString &where, TreeValue &plugins,
                             ForeignReport &report);

// A consumer's custom_id, and its groups as acls credentials, on its decK entry.
void addKongConsumerAccess(const ConsumerConfig &consumer, TreeValue &entry);

} // namespace portico
