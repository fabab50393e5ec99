#pragma once

#include "JwtError.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace portico {

// A provider's rules for the registered claims (RFC 7519 section 4.1).
struct JwtClaimRules
{
    QString issuer;        // empty = any "iss"
    QStringList audiences; // empty = any "aud"; else "aud" must name one of them
    int clockSkewS = 60;   // leeway for exp, nbf and iat
};

// Checks exp (optional; expired when now > exp + skew), nbf (not yet valid when
// now + skew < nbf), iat (refused when later than now + skew), iss and aud (a string or an
// array of strings). A time claim that is not a number is malformed. `now` is in seconds since
// the epoch. Returns a JwtError whose code is None when the claims pass.
JwtError checkJwtClaims(const QJsonObject &claims, const JwtClaimRules &rules, qint64 now);

} // namespace portico
