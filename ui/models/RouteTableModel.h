#pragma once

#include "config/Config.h"
#include "observe/TrafficStats.h"

#include <QAbstractTableModel>
#include <QHash>

namespace portico {

// The routes of a configuration as a read-only table, one row per route, with the targets of
// the service each route sends to and the route's live figures (hits/s, 5xx share, p95) from
// the engine's traffic samples. A new sample only changes the live columns (dataChanged), so
// selection and scroll position stay.
class RouteTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Name,
        Methods,
        Hosts,
        Paths,
        Service,
        Targets,
        StripPath,
        HitsPerSecond,
        ErrorRate,
        P95,
        ColumnCount
    };
    enum Role {
        SearchRole = Qt::UserRole + 1, // name, paths, hosts and service, for the filter box
        SortRole,                      // numbers for the live columns, text otherwise
    };

    explicit RouteTableModel(QObject *parent = nullptr);

    void setConfig(const Config &config);
    const RouteConfig *routeAt(int row) const;
    int rowOf(const QString &routeName) const; // -1 when there is no such route
    // Takes the live figures of a traffic sample (routes matched by name).
    void updateTraffic(const TrafficSample &sample);

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
    QVariant sortValue(const Row &row, int column) const;
    const RouteTraffic *trafficOf(const Row &row) const;

    std::vector<Row> m_rows;
    QHash<QString, RouteTraffic> m_traffic; // by route name, from the latest sample
};

} // namespace portico
