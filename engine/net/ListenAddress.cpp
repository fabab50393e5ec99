#include "ListenAddress.h"

#include <QHostInfo>

namespace portico {

std::optional<QHostAddress> resolveListenHost(const QString &host, QString *error)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    QHostAddress address;
    if (address.setAddress(host))
        return address;
    const QHostInfo info = QHostInfo::fromName(host);
    if (info.addresses().isEmpty()) {
        *error = QStringLiteral("cannot resolve %1").arg(host);
        return std::nullopt;
    }
    return info.addresses().constFirst();
}

} // namespace portico
