#!/usr/bin/env bash
# Moves an org that has chat messages from before rooms onto rooms (contract 2.3.0). Salesforce
# creates a master-detail field only on an object whose records would all have a value, and turns a
# lookup into a master-detail only when every record has one. So, in three steps:
#   1. deploy force-app with Chat_Message__c.Room__c as a lookup (and the message's own Read sharing),
#   2. run ChatRoomMigration: every message without a room goes to the default public room,
#   3. check that none is left, then deploy force-app as it is (Room__c master-detail, sharing
#      controlled by the room).
# New messages saved meanwhile get the default room from the trigger. A fresh org needs none of
# this: scripts/sf/deploy.sh deploys the master-detail directly.
# Usage: scripts/sf/migrate-to-rooms.sh [alias]
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT

step "Step 1: deploying force-app to '$ORG_ALIAS' with Room__c as a lookup"
cp -R force-app "$STAGE/force-app"
cp sfdx-project.json "$STAGE/"
FIELD="$STAGE/force-app/main/default/objects/Chat_Message__c/fields/Room__c.field-meta.xml"
OBJECT="$STAGE/force-app/main/default/objects/Chat_Message__c/Chat_Message__c.object-meta.xml"
node -e '
  const fs = require("node:fs");
  const [field, object] = process.argv.slice(1);
  let xml = fs.readFileSync(field, "utf8");
  xml = xml.replace("<type>MasterDetail</type>", "<type>Lookup</type>")
    .replace(/\s*<relationshipOrder>[^<]*<\/relationshipOrder>/, "")
    .replace(/\s*<reparentableMasterDetail>[^<]*<\/reparentableMasterDetail>/, "")
    .replace(/\s*<writeRequiresMasterRead>[^<]*<\/writeRequiresMasterRead>/, "")
    .replace("<trackTrending>", "<deleteConstraint>Restrict</deleteConstraint>\n    <required>false</required>\n    <trackTrending>");
  fs.writeFileSync(field, xml);
  fs.writeFileSync(object, fs.readFileSync(object, "utf8").replaceAll("ControlledByParent", "Read"));
' "$FIELD" "$OBJECT"
(cd "$STAGE" && sf project deploy start --source-dir force-app --target-org "$ORG_ALIAS" --wait 30)

step "Step 2: ChatRoomMigration puts every message without a room into the default room"
echo "Database.executeBatch(new ChatRoomMigration(), 2000);" > "$STAGE/migrate.apex"
sf apex run --file "$STAGE/migrate.apex" --target-org "$ORG_ALIAS"

step "Waiting until no message is left without a room"
for _ in $(seq 1 60); do
    LEFT="$(sf data query --query "SELECT COUNT() FROM Chat_Message__c WHERE Room__c = null" --target-org "$ORG_ALIAS" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).result.totalSize))')"
    [ "$LEFT" = "0" ] && break
    echo "$LEFT messages still without a room"
    sleep 10
done
if [ "$LEFT" != "0" ]; then
    echo "Messages are still without a room; check the ChatRoomMigration batch (Setup, Apex Jobs) and run this script again." >&2
    exit 1
fi

step "Step 3: deploying force-app as it is (Room__c master-detail)"
sf project deploy start --source-dir force-app --target-org "$ORG_ALIAS" --wait 30
