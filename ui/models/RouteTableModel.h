#pragma once

#include "config/Config.h"

#include <QAbstractTableModel>

namespace portico {

// The routes of a configuration as a read-only table, one row per route, with the targets of
// the service each route sends to. Fed the running snapshot's config by MainWindow.
class RouteTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Methods, Hosts, Paths, Service, Targets, StripPath, ColumnCount };

    explicit RouteTableModel(QObject *parent = nullptr);

    void setConfig(const Config &config);
    const RouteConfig *routeAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        RouteConfig route;
        QStringList targets; // "http://127.0.0.1:19003 (90%)"; empty when the service is unknown
        bool serviceKnown = false;
    };
    QString text(const Row &row, int column) const;

    std::vector<Row> m_rows;
};

} // namespace portico
