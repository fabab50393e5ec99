#pragma once

// What the page tests share: the configuration they start from and the way they answer a
// confirmation.

#include "config/Config.h"

#include <QAbstractButton>
#include <QMessageBox>

namespace portico::test {

inline ConsumerConfig consumer(const QString &name, const QString &plan = {},
                               const QStringList &groups = {})
{
    ConsumerConfig c;
    c.name = name;
    c.plan = plan;
    c.groups = groups;
    return c;
}

// Service "orders" at `backendUrl` behind route "orders" (/orders, API keys required); the
// gateway and the Admin API listen on free ports.
inline Config ordersBehindKeys(const QString &backendUrl, int workers)
{
    Config c;
    c.settings.listen = QStringLiteral("127.0.0.1:0");
    c.settings.adminListen = QStringLiteral("127.0.0.1:0");
    c.settings.workers = workers;
    ServiceConfig service;
    service.name = QStringLiteral("orders");
    service.targets = {{backendUrl, 100}};
    c.services = {service};
    RouteConfig route;
    route.name = QStringLiteral("orders");
    route.paths = {QStringLiteral("/orders")};
    route.service = QStringLiteral("orders");
    route.auth = {QStringLiteral("key")};
    c.routes = {route};
    return c;
}

// The button of `box` that does the destructive thing (delete, revoke).
inline QAbstractButton *destructiveButton(QMessageBox *box)
{
    for (QAbstractButton *button : box->buttons()) {
        if (box->buttonRole(button) == QMessageBox::DestructiveRole)
            return button;
    }
    return nullptr;
}

} // namespace portico::test
