-- Argo CD health check for ckan.io/CkanInstance.
-- Install: put this script under resource.customizations.health.ckan.io_CkanInstance in argocd-cm
-- (see argocd-cm.yaml next to this file). It reads only the kstatus conditions the operator writes.
local hs = {}
if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end
if obj.metadata ~= nil and obj.metadata.generation ~= nil and obj.status.observedGeneration ~= nil
    and obj.status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. obj.metadata.generation
  return hs
end
local c = {}
for _, condition in ipairs(obj.status.conditions) do
  c[condition.type] = condition
end
local function text(condition)
  if condition.message ~= nil and condition.message ~= "" then
    return condition.reason .. ": " .. condition.message
  end
  return condition.reason
end
if c.Ready ~= nil and (c.Ready.reason == "Paused" or c.Ready.reason == "AwaitingPromotion") then
  hs.status = "Suspended"
  hs.message = text(c.Ready)
  return hs
end
if c.Stalled ~= nil and c.Stalled.status == "True" then
  hs.status = "Degraded"
  hs.message = text(c.Stalled)
  if c.Available ~= nil and c.Available.status == "True" then
    hs.message = hs.message .. " (the current revision keeps serving)"
  end
  return hs
end
if c.Ready ~= nil and c.Ready.status == "True" then
  hs.status = "Healthy"
  hs.message = text(c.Ready)
  return hs
end
if c.Reconciling ~= nil and c.Reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = text(c.Reconciling)
  return hs
end
if c.Ready ~= nil then
  hs.status = "Degraded"
  hs.message = text(c.Ready)
  return hs
end
hs.status = "Progressing"
hs.message = "Waiting for conditions"
return hs
