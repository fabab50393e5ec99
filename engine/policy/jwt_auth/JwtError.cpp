#include "JwtError.h"

namespace portico {

QByteArray JwtError::reasonFor(Code code)
{
    switch (code) {
    case Code::None: return QByteArrayLiteral("ok");
    case Code::Malformed: return QByteArrayLiteral("malformed");
    case Code::Oversized: return QByteArrayLiteral("oversized");
    case Code::UnsupportedAlgorithm: return QByteArrayLiteral("unsupported algorithm");
    case Code::AlgorithmNotAllowed: return QByteArrayLiteral("algorithm not allowed");
    case Code::UnknownKey: return QByteArrayLiteral("unknown key");
    case Code::BadSignature: return QByteArrayLiteral("bad signature");
    case Code::Expired: return QByteArrayLiteral("expired");
    case Code::NotYetValid: return QByteArrayLiteral("not yet valid");
    case Code::IssuedInFuture: return QByteArrayLiteral("issued in the future");
    case Code::WrongIssuer: return QByteArrayLiteral("wrong issuer");
    case Code::WrongAudience: return QByteArrayLiteral("wrong audience");
    }
    return QByteArrayLiteral("error");
}

} // namespace portico
