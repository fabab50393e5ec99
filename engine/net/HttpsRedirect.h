#pragma once

#include "http/HttpMessage.h"
#include "policy/Policy.h"

#include <QString>

namespace portico {

// settings.redirect_http: a plain-HTTP request answered with "308 Permanent Redirect" to the
// same host, path and query over HTTPS. 308, not 301: the method and body are kept when the
// client follows it. The host is the request's Host without its port; one that is missing or
// not a plain host name or address becomes the host of `httpsListen` (settings.listen_tls;
// "localhost" when that is every address).
LocalReply httpsRedirect(const RequestHead &head, const QString &httpsListen, quint16 httpsPort);

} // namespace portico
